"""The site's defences that belong to no one kind of content: the staff
login (throttled by django-axes, optional two-factor with django-otp, a
deploy check for staff without it) and the Content-Security-Policy's
violation reports."""
