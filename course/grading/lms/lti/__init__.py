"""LTI 1.3 with the learning platform: launches verified (launch), the tool's key and the platform's registration
(registration), the platform's roster and grade services (services), `course roster sync` and `course passback`
(passback). The hub's side (login handlers, Unix accounts) is hub/lti_hub.py. See docs/lti.md."""
