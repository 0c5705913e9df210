"""Google sign-in backend whose endpoints come from settings (Google, or the emulator)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from social_core.backends.google import GoogleOAuth2 as SocialGoogleOAuth2


class GoogleOAuth2(SocialGoogleOAuth2):  # type: ignore[type-arg]
    """social-core's ``google-oauth2`` with configurable endpoints.

    social-core hard-codes Google's hosts (the userinfo URL even inside ``user_data``), so the
    same name is kept and only the URLs are swapped: the callback stays
    ``/complete/google-oauth2/`` and stored ``UserSocialAuth`` rows keep their provider.
    """

    name = "google-oauth2"

    def authorization_url(self) -> str:
        return str(settings.GOOGLE_AUTH_URL)

    def access_token_url(self) -> str:
        return str(settings.GOOGLE_TOKEN_URL)

    def revoke_token_url(self, token: str, uid: str) -> str:
        return str(settings.GOOGLE_REVOKE_URL)

    def user_data(self, access_token: str, *args: Any, **kwargs: Any) -> dict[str, Any] | None:
        """Return the userinfo document, refusing accounts whose email Google has not verified."""
        response = self.get_json(
            settings.GOOGLE_USERINFO_URL, headers={"Authorization": f"Bearer {access_token}"}
        )
        self.validate_email_verified(response)
        return response
