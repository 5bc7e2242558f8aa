# The default red-tape taxonomy, in English and German. The descriptions are what the
# zero-shot classifier compares reports with, so they name the words people use.

from django.db import migrations

TAXONOMY = [
    (
        "approvals",
        "Approvals and sign-offs",
        "Genehmigungen und Freigaben",
        "Waiting for approval, sign-off, signature or permission from a manager; several "
        "signatures needed; approval chains, countersigning, authorisation, release by the boss.",
        "Warten auf Genehmigung, Freigabe, Unterschrift oder Zustimmung der Vorgesetzten; "
        "mehrere Unterschriften, Genehmigungskette, Gegenzeichnung, Abzeichnen, Freigabeprozess.",
    ),
    (
        "meetings",
        "Meetings",
        "Besprechungen",
        "Too many meetings, long or pointless meetings, status meetings, jours fixes, calls "
        "without agenda, invitations, calendar full of appointments, attendance required.",
        "Zu viele Besprechungen und Meetings, lange oder sinnlose Termine, Jour fixe, "
        "Statusrunden, Telefonkonferenzen ohne Agenda, Einladungen, voller Kalender.",
    ),
    (
        "reporting",
        "Reporting and documentation",
        "Berichte und Dokumentation",
        "Reports, status reports, documentation, forms to fill in, spreadsheets, timesheets, "
        "filling in the same data twice, paperwork, minutes, statistics nobody reads.",
        "Berichte, Statusberichte, Dokumentation, Formulare ausfüllen, Tabellen, Stundenzettel, "
        "Zeiterfassung, doppelte Dateneingabe, Papierkram, Protokolle, Statistiken.",
    ),
    (
        "tools",
        "Tools and systems",
        "Werkzeuge und Systeme",
        "Software, IT systems, tools, applications, slow computers, logins, SAP, the intranet, "
        "printers, systems that crash, manual workarounds, copying between systems.",
        "Software, IT-Systeme, Programme, Anwendungen, langsame Rechner, Anmeldung, SAP, "
        "Intranet, Drucker, Systemabstürze, Umwege, Daten zwischen Systemen kopieren.",
    ),
    (
        "access",
        "Access and permissions",
        "Zugänge und Berechtigungen",
        "Access rights, permissions, accounts, passwords, badges, keys, requesting access to a "
        "folder, system or room, locked out, roles, admin rights.",
        "Zugriffsrechte, Berechtigungen, Benutzerkonten, Passwörter, Zugang beantragen, "
        "Ausweis, Schlüssel, Ordner, Raum, gesperrt, Rollen, Adminrechte.",
    ),
    (
        "procurement",
        "Procurement and purchasing",
        "Beschaffung und Einkauf",
        "Buying things, purchase orders, purchasing department, suppliers, quotes, tenders, "
        "ordering equipment or supplies, invoices, vendor registration, catalogue.",
        "Einkauf, Bestellung, Beschaffung, Bestellanforderung, Lieferanten, Angebote einholen, "
        "Ausschreibung, Material bestellen, Rechnungen, Kreditoren, Katalog.",
    ),
    (
        "travel",
        "Travel and expenses",
        "Reisen und Spesen",
        "Business trips, travel requests, booking trains, flights and hotels, expense claims, "
        "receipts, reimbursement, per diem, travel expense report, mileage.",
        "Dienstreisen, Reiseantrag, Bahn, Flug und Hotel buchen, Reisekostenabrechnung, "
        "Spesen, Belege, Erstattung, Tagegeld, Kilometergeld.",
    ),
    (
        "hr",
        "Hiring and HR processes",
        "Einstellung und Personalprozesse",
        "Hiring, recruiting, job postings, onboarding new colleagues, contracts, holidays and "
        "leave requests, sick notes, training requests, personnel department, payroll.",
        "Einstellung, Stellenausschreibung, Bewerbung, Einarbeitung neuer Kollegen, Verträge, "
        "Urlaubsantrag, Krankmeldung, Fortbildung, Personalabteilung, Gehaltsabrechnung.",
    ),
    (
        "compliance",
        "Policies and compliance",
        "Richtlinien und Compliance",
        "Rules, policies, guidelines, compliance checks, data protection, GDPR, audits, "
        "mandatory trainings, legal review, regulations, certifications.",
        "Regeln, Richtlinien, Vorschriften, Compliance, Datenschutz, DSGVO, Prüfungen, Audits, "
        "Pflichtschulungen, Rechtsabteilung, Verordnungen, Zertifizierung.",
    ),
    (
        "handoffs",
        "Hand-offs and communication",
        "Übergaben und Kommunikation",
        "Hand-offs between teams, unclear responsibility, nobody answers, emails in copy, "
        "waiting for other departments, information lost, asking the same question again.",
        "Übergaben zwischen Abteilungen, unklare Zuständigkeit, niemand antwortet, E-Mails in "
        "Kopie, Warten auf andere Abteilungen, Informationen gehen verloren, Rückfragen.",
    ),
    (
        "other",
        "Other",
        "Sonstiges",
        "Anything else that wastes time and fits no other category.",
        "Alles andere, das Zeit kostet und in keine andere Kategorie passt.",
    ),
]


def add_taxonomy(apps, schema_editor):
    Category = apps.get_model("analysis", "Category")
    for position, (slug, name_en, name_de, desc_en, desc_de) in enumerate(TAXONOMY):
        Category.objects.get_or_create(
            slug=slug,
            defaults={
                "name_en": name_en,
                "name_de": name_de,
                "description_en": desc_en,
                "description_de": desc_de,
                "position": position,
            },
        )


def remove_taxonomy(apps, schema_editor):
    Category = apps.get_model("analysis", "Category")
    Category.objects.filter(slug__in=[row[0] for row in TAXONOMY]).delete()


class Migration(migrations.Migration):
    dependencies = [("analysis", "0002_stage_fields")]

    operations = [migrations.RunPython(add_taxonomy, remove_taxonomy)]
