"""Real-browser tests: headless Debian Chromium driven by Playwright against the live server."""
