"""Indexes of the supervisors' monitoring (R-9): partial indexes over *open* items only, so
the overdue and at-risk lists read the few open rows in deadline order whatever the size of
the closed history, and period indexes for the tables the figures filter by creation time.
Built concurrently on PostgreSQL (no write lock on the big tables)."""

from tortoise import migrations

from domain.db import index_concurrently


class Migration(migrations.Migration):
    # Both leaves of this branch (the integrator rechains the numbers at merge time).
    dependencies = [('okno', '0021_social')]

    initial = False
    atomic = False

    operations = [
        index_concurrently(
            "monitoring_open_registration", "message", "(registration_due_date, id) "
            "WHERE registered_at IS NULL AND registration_due_date IS NOT NULL"),
        index_concurrently(
            "monitoring_open_answer", "message", "(answer_due_date, id) "
            "WHERE closed_at IS NULL AND answer_due_date IS NOT NULL"),
        index_concurrently(
            "monitoring_open_urgent", "message", "(urgent_due_date, id) "
            "WHERE closed_at IS NULL AND urgent_due_date IS NOT NULL"),
        index_concurrently(
            "monitoring_open_redirect", "message", "(redirect_due_date, id) "
            "WHERE closed_at IS NULL AND redirect_due_date IS NOT NULL"),
        index_concurrently(
            "monitoring_open_abuse_notice", "message", "(abuse_notice_due_date, id) "
            "WHERE abuse_notice_sent_at IS NULL AND abuse_notice_due_date IS NOT NULL"),
        index_concurrently(
            "monitoring_open_social", "social_item", "(due_at, id) WHERE answered_at IS NULL"),
        index_concurrently(
            "monitoring_callback_created", "callback", "(created_at)"),
        index_concurrently(
            "monitoring_booking_change_created", "reception_booking_change", "(created_at)"),
    ]
