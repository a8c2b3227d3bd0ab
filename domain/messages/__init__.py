"""Written messages and internal requests: intake, classification, urgency, abuse, redirect,
clarification, answer (R-2.x, R-5.3, R-5.5, R-8)."""
