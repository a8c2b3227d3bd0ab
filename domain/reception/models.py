"""Personal reception (R-4.x): points, receiving officials, their schedules, the slots the
schedules make, and the bookings in those slots.

Times are stored UTC, dates and local times (``start_time``, ``end_time``) are in the
government's zone. A booking holds a seat of its slot (1 to capacity), and the unique
(slot, seat) key is what makes double booking impossible; a cancelled booking gives its
seat back by setting it to NULL (NULLs never collide, on PostgreSQL or SQLite).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.indexes import Index
from tortoise.models import Model


class AccessibilityFeature(StrEnum):
    """R-4.7: what a reception point offers people with limited mobility or senses."""

    STEP_FREE_ENTRANCE = "step_free_entrance"
    RAMP = "ramp"
    LIFT = "lift"
    ACCESSIBLE_TOILET = "accessible_toilet"
    DISABLED_PARKING = "disabled_parking"
    HEARING_LOOP = "hearing_loop"
    TACTILE_GUIDANCE = "tactile_guidance"
    SIGN_LANGUAGE_ON_REQUEST = "sign_language_on_request"


class ExceptionKind(StrEnum):
    CANCELLED = "cancelled"  # no reception that day
    CHANGED_HOURS = "changed_hours"  # other hours that day


class SlotStatus(StrEnum):
    OPEN = "open"
    CANCELLED = "cancelled"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"
    HELD = "held"
    NO_SHOW = "no_show"


class BookedBy(StrEnum):
    CLIENT = "client"  # the signed-in client
    OPERATOR = "operator"  # an operator for a caller on the consultation line


class CancelledBy(StrEnum):
    CLIENT = "client"
    OPERATOR = "operator"
    LINK = "link"  # the signed cancel link, without logging in
    SYSTEM = "system"  # a change that could not be kept


class ReceptionPoint(Model):
    """Where citizens are received (R-4.5, R-4.7): address, directions, accessibility."""

    id = fields.UUIDField(primary_key=True)
    name = fields.CharField(max_length=300)
    address = fields.CharField(max_length=500)
    directions = fields.TextField(default="")
    latitude = fields.FloatField(null=True)
    longitude = fields.FloatField(null=True)
    opening_notes = fields.TextField(default="")
    # AccessibilityFeature values, in the order staff set them.
    accessibility = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "reception_point"
        indexes = (Index(fields=("active", "name")),)


class ReceivingOfficial(Model):
    """A staff member who receives citizens, and the spheres they receive on."""

    id = fields.UUIDField(primary_key=True)
    staff = fields.ForeignKeyField(
        "okno.StaffMember", related_name="receptions", on_delete=fields.RESTRICT)
    position = fields.CharField(max_length=300)
    # Sphere UUIDs as strings: read with the official, filtered in Python (few officials).
    spheres = fields.JSONField(default=list)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "receiving_official"
        unique_together = (("staff",),)


class ReceptionSchedule(Model):
    """A recurring reception (RFC 5545 RRULE) of one official at one point, in local time."""

    id = fields.UUIDField(primary_key=True)
    official = fields.ForeignKeyField(
        "okno.ReceivingOfficial", related_name="schedules", on_delete=fields.CASCADE)
    point = fields.ForeignKeyField(
        "okno.ReceptionPoint", related_name="schedules", on_delete=fields.RESTRICT)
    rrule = fields.CharField(max_length=500)
    valid_from = fields.DateField()
    valid_until = fields.DateField(null=True)
    # Local wall-clock times as "HH:MM" (Tortoise's TimeField would attach UTC to them, and
    # SQLite cannot bind a time): the same text on both databases.
    start_time = fields.CharField(max_length=5)
    end_time = fields.CharField(max_length=5)
    slot_minutes = fields.IntField()
    capacity = fields.IntField(default=1)
    active = fields.BooleanField(default=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    updated_at = fields.DatetimeField(auto_now=True)

    class Meta:
        table = "reception_schedule"
        indexes = (Index(fields=("official_id", "active")), Index(fields=("point_id", "active")))


class ScheduleException(Model):
    """One date of a schedule kept otherwise: no reception, or other hours."""

    id = fields.UUIDField(primary_key=True)
    schedule = fields.ForeignKeyField(
        "okno.ReceptionSchedule", related_name="exceptions", on_delete=fields.CASCADE)
    date = fields.DateField()
    kind = fields.CharEnumField(ExceptionKind, max_length=20)
    start_time = fields.CharField(max_length=5, null=True)  # "HH:MM", local
    end_time = fields.CharField(max_length=5, null=True)
    note = fields.CharField(max_length=500, default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reception_schedule_exception"
        unique_together = (("schedule", "date"),)


class ReceptionSlot(Model):
    """One period of reception, materialised from a schedule for the booking horizon."""

    id = fields.UUIDField(primary_key=True)
    schedule = fields.ForeignKeyField(
        "okno.ReceptionSchedule", related_name="slots", on_delete=fields.CASCADE)
    official = fields.ForeignKeyField(
        "okno.ReceivingOfficial", related_name="slots", on_delete=fields.CASCADE)
    point = fields.ForeignKeyField(
        "okno.ReceptionPoint", related_name="slots", on_delete=fields.RESTRICT)
    starts_at = fields.DatetimeField()
    ends_at = fields.DatetimeField()
    capacity = fields.IntField(default=1)
    status = fields.CharEnumField(SlotStatus, max_length=20, default=SlotStatus.OPEN)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reception_slot"
        unique_together = (("official", "starts_at"),)
        indexes = (
            Index(fields=("point_id", "starts_at")),
            Index(fields=("schedule_id", "starts_at")),
            Index(fields=("status", "starts_at")),
        )


class Booking(Model):
    """A client's place in a slot. ``seat`` is 1 to capacity while the booking holds the slot
    and NULL once cancelled, so the seat is free at once (R-4.6)."""

    id = fields.UUIDField(primary_key=True)
    client = fields.ForeignKeyField(
        "okno.Client", related_name="bookings", on_delete=fields.CASCADE)
    slot = fields.ForeignKeyField(
        "okno.ReceptionSlot", related_name="bookings", on_delete=fields.RESTRICT)
    seat = fields.IntField(null=True)
    topic = fields.TextField()
    sphere = fields.ForeignKeyField(
        "okno.Sphere", related_name="bookings", null=True, on_delete=fields.SET_NULL)
    status = fields.CharEnumField(BookingStatus, max_length=20, default=BookingStatus.BOOKED)
    booked_by = fields.CharEnumField(BookedBy, max_length=20)
    booked_by_staff = fields.ForeignKeyField(
        "okno.StaffMember", related_name="bookings_made", null=True, on_delete=fields.SET_NULL)
    # The token subject of whoever booked (staff may be missing from the directory).
    booked_by_subject = fields.CharField(max_length=200, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    cancelled_at = fields.DatetimeField(null=True)
    cancelled_by = fields.CharEnumField(CancelledBy, max_length=20, null=True)
    cancel_reason = fields.CharField(max_length=1000, null=True)
    outcome_at = fields.DatetimeField(null=True)

    class Meta:
        table = "booking"
        unique_together = (("slot", "seat"),)
        indexes = (
            Index(fields=("client_id", "created_at", "id")),
            Index(fields=("client_id", "status")),
            Index(fields=("slot_id", "status")),
        )


# -- changes, reminders: the notices part of the area --------------------------------


class ChangeKind(StrEnum):
    """What staff changed (R-4.4)."""

    SLOT_CHANGED = "slot_changed"  # one slot: another official, or another date and time
    SLOT_CANCELLED = "slot_cancelled"  # one slot: no reception
    SCHEDULE_CHANGED = "schedule_changed"  # a schedule over a date range
    ABSENCE = "absence"  # an official is absent on some dates


class NoticeOutcome(StrEnum):
    KEPT = "kept"  # the booking follows the change: the client may accept it or cancel
    CANCELLED = "cancelled"  # it could not be kept: cancelled, the client told why


class ReceptionChange(Model):
    """One change of official, date or time made by staff (R-4.4), and what it said."""

    id = fields.UUIDField(primary_key=True)
    kind = fields.CharEnumField(ChangeKind, max_length=20)
    # The sentence the affected clients read (plain Russian).
    summary = fields.CharField(max_length=1000)
    reason = fields.CharField(max_length=1000, null=True)
    made_by = fields.CharField(max_length=200)
    details = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reception_change"
        indexes = (Index(fields=("created_at",)),)


class BookingChange(Model):
    """One booking hit by one change: the unique (change, booking) key makes its notice go
    once. The accept link names this row."""

    id = fields.UUIDField(primary_key=True)
    change = fields.ForeignKeyField(
        "okno.ReceptionChange", related_name="bookings", on_delete=fields.CASCADE)
    booking = fields.ForeignKeyField(
        "okno.Booking", related_name="changes", on_delete=fields.CASCADE)
    outcome = fields.CharEnumField(NoticeOutcome, max_length=20)
    old_starts_at = fields.DatetimeField()
    old_official = fields.ForeignKeyField(
        "okno.ReceivingOfficial", related_name=False, null=True, on_delete=fields.SET_NULL)
    accepted_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reception_booking_change"
        unique_together = (("change", "booking"),)
        indexes = (Index(fields=("booking_id", "created_at")),)


class BookingReminder(Model):
    """The one reminder of a booking at one start time: the unique key is the claim, so two
    workers (or two runs) never send it twice. A moved booking is reminded of its new time."""

    id = fields.UUIDField(primary_key=True)
    booking = fields.ForeignKeyField(
        "okno.Booking", related_name="reminders", on_delete=fields.CASCADE)
    starts_at = fields.DatetimeField()
    sent_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "reception_booking_reminder"
        unique_together = (("booking", "starts_at"),)
