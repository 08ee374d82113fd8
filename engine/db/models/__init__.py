"""SQLAlchemy 2.0 models: everything Trellis stores (DESIGN.md §3).

`from engine.db.models import X` is the public path to every model, status class and
column type. The tables live in modules of one theme each, in this order (the order
they are added to `Base.metadata`): `base` (`Base` and the column types), `contacts`,
`journeys`, `messages`, `settings`, `analytics`, `segments`. Importing this package
registers every table.

Contract:
- Times are stored as naive UTC and always come back timezone-aware UTC (`UtcDateTime`).
- JSON columns use JSONB on PostgreSQL and JSON text on SQLite.
- Emails are stored normalised (lower-cased domain and local part) and are unique.
- An enrollment's `active_journey_id` equals its `journey_id` while it is running and is
  NULL once it has ended; the unique (contact_id, active_journey_id) constraint makes
  "never two active enrollments of one contact in one journey" a database fact.
- The schema changes only through Alembic revisions in `engine/db/migrations`; a test
  checks that these models and the migrations agree.
"""

from engine.db.models.base import (
 NAMING, JsonType, BigId, UtcDateTime, Base,
)
from engine.db.models.contacts import (
 ContactStatus, Contact, Consent, ContactList, ListMembership, Event, Product,
)
from engine.db.models.journeys import (
 JourneyStatus, JourneyRow, JourneyVersion, JourneyRelease, ExperimentResult,
 JourneyGuardrail, JourneyNotice, EnrollmentStatus, Enrollment, StepLog,
)
from engine.db.models.messages import (
 Template, MessageStatus, Message, WebhookCall, Coupon, AudienceMember,
)
from engine.db.models.settings import (
 Suppression, Setting, MailboxMessage,
)
from engine.db.models.analytics import (
 Money, AnalyticsJourneyDay, AnalyticsStepDay, AnalyticsEmailDay, AnalyticsPathDay,
 AnalyticsCohortWeek, AnalyticsFirstOrder, AnalyticsMessage, AnalyticsPending,
 AnalyticsReach, AnalyticsPathMember,
)
from engine.db.models.segments import (
 Segment, SegmentMember, SegmentSize,
)

__all__ = [
 "NAMING", "JsonType", "BigId", "UtcDateTime", "Base", "ContactStatus", "Contact",
 "Consent", "ContactList", "ListMembership", "Event", "Product", "JourneyStatus",
 "JourneyRow", "JourneyVersion", "JourneyRelease", "ExperimentResult", "JourneyGuardrail",
 "JourneyNotice", "EnrollmentStatus", "Enrollment", "StepLog", "Template", "MessageStatus",
 "Message", "WebhookCall", "Coupon", "AudienceMember", "Suppression", "Setting",
 "MailboxMessage", "Money", "AnalyticsJourneyDay", "AnalyticsStepDay", "AnalyticsEmailDay",
 "AnalyticsPathDay", "AnalyticsCohortWeek", "AnalyticsFirstOrder", "AnalyticsMessage",
 "AnalyticsPending", "AnalyticsReach", "AnalyticsPathMember", "Segment", "SegmentMember",
 "SegmentSize",
]
