"""Deliveries: every outbound communication through one transactional outbox."""
