"""Live sync of helpdesk data through the helpdesks' APIs (Zendesk, Freshdesk): `python -m bot
sync zendesk|freshdesk`, and the clock's `helpdesk_sync` job when configured."""
