from django.urls import path

from tapecut.triage import sso
from tapecut.triage.views import audit, changes, inbox, public, quarantine, reports, themes

app_name = "triage"

urlpatterns = [
    path("", inbox.home, name="home"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/saved/", inbox.save_view, name="save_view"),
    path("inbox/saved/<int:pk>/delete/", inbox.delete_view, name="delete_view"),
    path("reports/<int:pk>/", reports.report_page, name="report"),
    path("reports/<int:pk>/original/", reports.original, name="original"),
    path(
        "reports/<int:pk>/attachments/<int:attachment_id>/",
        reports.attachment,
        name="attachment",
    ),
    path("reports/<int:pk>/suggestion/", reports.suggestion, name="suggestion"),
    path("reports/<int:pk>/question/", reports.question, name="question"),
    path("reports/<int:pk>/note/", reports.note, name="report_note"),
    path("themes/", themes.theme_list, name="theme_list"),
    path("themes/<int:pk>/", themes.theme_page, name="theme"),
    path("changes/", changes.change_list, name="change_list"),
    path("changes/new/", changes.change_new, name="change_new"),
    path("changes/<int:pk>/", changes.change_page, name="change"),
    path("changes/<int:pk>/status/", changes.change_status, name="change_status"),
    path("changes/<int:pk>/owner/", changes.change_owner, name="change_owner"),
    path("changes/<int:pk>/evidence/", changes.change_evidence, name="change_evidence"),
    path(
        "changes/<int:pk>/evidence/<int:evidence_id>/",
        changes.evidence_file,
        name="evidence_file",
    ),
    path("changes/<int:pk>/note/", changes.change_note, name="change_note"),
    path("changes/<int:pk>/link/", changes.change_link, name="change_link"),
    path("changes/<int:pk>/attention/", changes.change_attention, name="change_attention"),
    path("board/", public.board, name="board"),
    path("follow/<str:token>/", public.follow, name="follow"),
    path("feedback/<str:token>/", public.feedback, name="feedback"),
    path("audit/", audit.audit_log, name="audit"),
    path("audit/notices/<int:pk>/resend/", audit.resend_notice, name="resend_notice"),
    path("quarantine/", quarantine.quarantine_list, name="quarantine"),
    path("quarantine/reparse/", quarantine.reparse_all, name="quarantine_reparse_all"),
    path("quarantine/<int:pk>/raw/", quarantine.raw, name="quarantine_raw"),
    path("quarantine/<int:pk>/<str:action>/", quarantine.act, name="quarantine_act"),
    path("sso/login/", sso.start, name="sso_login"),
    path("sso/callback/", sso.callback, name="sso_callback"),
]
