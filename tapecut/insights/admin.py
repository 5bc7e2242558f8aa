"""Admins edit the wage table of the Standard Cost Model (docs/insights.md)."""

from __future__ import annotations

from django.contrib import admin

from tapecut.insights.models import WageRate


@admin.register(WageRate)
class WageRateAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("sector", "level", "unit", "hourly_cost", "year", "is_default", "source")
    list_editable = ("hourly_cost", "is_default")
    search_fields = ("sector", "unit", "level")
