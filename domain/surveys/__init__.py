"""Satisfaction surveys (R-9; links in final communications R-2.10; after receptions R-4.9).

How the area is put together, and why:

- **Definitions are versioned.** ``Survey`` holds the purpose and whether it is the default;
  each edit publishes a new immutable ``SurveyVersion`` (questions as JSON). An invitation
  is pinned to the version current when it was made, and a response to that version, so an
  edit never changes what earlier answers mean (``definitions.py``).
- **Default surveys** (one per purpose) are created by an idempotent function,
  ``definitions.ensure_default_survey``, on first use of a purpose and by ``okno seed`` —
  not by a data migration: their texts are content admins change by publishing versions,
  and a fresh or truncated database gets them back without a migration re-run
  (``defaults.py`` holds version 1).
- **Invitations are generic**: ``service.invite(("<subject_type>", id), client_id, purpose,
  …)`` ties one to any record of any area and copies the reporting dimensions (channel,
  sphere, department, executor, purpose) onto it. A nullable unique ``open_key`` keeps one
  open invitation per subject at the database level.
- **Tokens** (``tokens.py``) are HMAC-signed with ``settings.link_secret`` over
  ``survey|invitation id|nonce|expiry``; the random nonce is stored on the invitation, so a
  forged, tampered or another purpose's token fails, and nothing secret is stored. Single
  use is the invitation's state, flipped by a conditional UPDATE; the response is one-to-one
  with the invitation. Submission attempts are rate-limited per token and per IP in Redis.
- **The report** (``report.py``) sums score counters that ``submit_response`` stores on the
  invitation together with the answers, so every grouping is one ``GROUP BY`` over one table
  on PostgreSQL and SQLite (``bench/survey_report.py``: 1M responses). The period selects
  invitations by when they were sent; comments and the CSV export select by submission time.
- **Reminders** (``reminders.py``, hourly arq cron): one per invitation, after
  ``survey_reminder_working_days`` working days (production calendar), claimed by a
  conditional UPDATE and sent with an idempotency key.
"""
