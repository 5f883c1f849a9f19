"""Messages to people about their bookings (an outbox sent by a background worker) and calendar invitations."""
