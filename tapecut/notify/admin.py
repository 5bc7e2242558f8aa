from django.contrib import admin

from tapecut.notify.models import Destination, Dispatch


@admin.register(Destination)
class DestinationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "kind", "active", "allow_report_text", "grow_threshold")
    list_filter = ("kind", "active")


@admin.register(Dispatch)
class DispatchAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("key", "destination", "state", "attempts", "created_at", "sent_at")
    list_filter = ("state", "event")
    readonly_fields = ("payload", "last_error")
