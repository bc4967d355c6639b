"""``glasses app``: the companion phone app, a mobile-first web app served on
the phone itself. It talks to the server only through the gRPC contract, with
the phone's own device token (which never reaches the page), and shows the
wearer what left their glasses, Imagine, their consent and their devices."""
