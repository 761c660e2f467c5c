"""Email: the outbox, rendering, the relay's sending, who is notified about what, and the local mail catcher."""
