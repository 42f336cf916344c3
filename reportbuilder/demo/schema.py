"""The demo tables' columns and DuckDB types, in the order of the data-model contract."""
from __future__ import annotations

TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "companies": (
        ("id", "BIGINT"), ("name", "VARCHAR"), ("domain", "VARCHAR"), ("industry", "VARCHAR"),
        ("country", "VARCHAR"), ("employees", "INTEGER"), ("plan", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
    ),
    "contacts": (
        ("id", "BIGINT"), ("company_id", "BIGINT"), ("name", "VARCHAR"), ("email", "VARCHAR"),
        ("phone", "VARCHAR"), ("country", "VARCHAR"), ("lifecycle_stage", "VARCHAR"),
        ("created_at", "TIMESTAMP"),
    ),
    "teams": (("id", "BIGINT"), ("name", "VARCHAR")),
    "owners": (
        ("id", "BIGINT"), ("name", "VARCHAR"), ("email", "VARCHAR"), ("team_id", "BIGINT"),
        ("active", "BOOLEAN"), ("created_at", "TIMESTAMP"),
    ),
    "tickets": (
        ("id", "BIGINT"), ("subject", "VARCHAR"), ("contact_id", "BIGINT"),
        ("company_id", "BIGINT"), ("owner_id", "BIGINT"), ("pipeline", "VARCHAR"),
        ("status", "VARCHAR"), ("priority", "VARCHAR"), ("channel", "VARCHAR"),
        ("channel_account", "VARCHAR"), ("category", "VARCHAR"), ("created_at", "TIMESTAMP"),
        ("first_response_at", "TIMESTAMP"), ("closed_at", "TIMESTAMP"),
        ("first_response_due_at", "TIMESTAMP"), ("close_due_at", "TIMESTAMP"),
        ("next_response_sla_minutes", "INTEGER"), ("handle_time_seconds", "INTEGER"),
    ),
    "ticket_status_changes": (
        ("ticket_id", "BIGINT"), ("status", "VARCHAR"), ("changed_at", "TIMESTAMP"),
    ),
    "conversations": (
        ("id", "BIGINT"), ("ticket_id", "BIGINT"), ("contact_id", "BIGINT"),
        ("owner_id", "BIGINT"), ("channel", "VARCHAR"), ("inbox", "VARCHAR"),
        ("status", "VARCHAR"), ("started_at", "TIMESTAMP"), ("closed_at", "TIMESTAMP"),
    ),
    "messages": (
        ("id", "BIGINT"), ("conversation_id", "BIGINT"), ("direction", "VARCHAR"),
        ("sender_type", "VARCHAR"), ("owner_id", "BIGINT"), ("channel", "VARCHAR"),
        ("status", "VARCHAR"), ("sent_at", "TIMESTAMP"),
    ),
    "feedback_submissions": (
        ("id", "BIGINT"), ("ticket_id", "BIGINT"), ("contact_id", "BIGINT"),
        ("survey_type", "VARCHAR"), ("score", "INTEGER"), ("submitted_at", "TIMESTAMP"),
        ("comment", "VARCHAR"),
    ),
    "calls": (
        ("id", "BIGINT"), ("contact_id", "BIGINT"), ("owner_id", "BIGINT"),
        ("ticket_id", "BIGINT"), ("phone_number", "VARCHAR"), ("direction", "VARCHAR"),
        ("status", "VARCHAR"), ("started_at", "TIMESTAMP"), ("duration_seconds", "INTEGER"),
        ("voicemail", "BOOLEAN"),
        ("queue_seconds", "INTEGER"),  # extension: seconds the caller waited for an agent (docs/data-model.md)
    ),
    "shifts": (
        ("id", "BIGINT"), ("owner_id", "BIGINT"), ("started_at", "TIMESTAMP"),
        ("ended_at", "TIMESTAMP"),
    ),
}
