"""Russian-text analysis shared by messages and social (pure: no database, no framework).

- ``abuse.detect_abuse(text)`` — R-2.5: obscene language (masked spellings too), insults,
  threats to life and health, each flag with its evidence span in the original text;
  words attributed to someone else are set aside (``report.reported``).
- ``plain_language.check_plain_language(text, refusal=..., reason=..., audience=...)`` —
  R-2.2/R-2.8: long sentences, office clichés, passive voice, unexplained legal references,
  abbreviations, with limits fitted to the reader (a person, an organisation, a person who
  needs simpler words); a refusal or a stated reason grounded only in a legal reference is
  a *blocking* finding.
- ``keywords.classify(text, dictionaries)`` — R-2.3: spheres ranked with confidence.
"""

from domain.texts.abuse import AbuseFlag, AbuseKind, AbuseReport, detect_abuse
from domain.texts.keywords import SphereScore, Term, classify, stem
from domain.texts.plain_language import (
    Finding,
    FindingCode,
    Severity,
    TextAudience,
    check_plain_language,
    check_reason,
    check_refusal,
    legal_references,
)

__all__ = [
    "AbuseFlag", "AbuseKind", "AbuseReport", "Finding", "FindingCode", "Severity",
    "SphereScore", "Term", "TextAudience", "check_plain_language", "check_reason",
    "check_refusal", "classify",
    "detect_abuse", "legal_references", "stem",
]
