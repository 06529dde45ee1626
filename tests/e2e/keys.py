"""How browser tests work the pages as people do: sign in, and scan as a keyboard-wedge
scanner does (the code typed into the focused field, then Enter), moving with Tab only."""

from __future__ import annotations

from playwright.sync_api import Page

from tests.factories import PASSWORD


def sign_in(page: Page, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def scan(page: Page, code: str) -> None:
    """What a keyboard-wedge scanner does: type the code into the focused field, then Enter."""
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def tab_to(page: Page, label: str) -> None:
    """Move the cursor with the keypad's Tab key to the field labelled `label`."""
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "document.activeElement.labels && document.activeElement.labels.length"
            " ? document.activeElement.labels[0].textContent.trim() : ''"
        )
        if focused.startswith(label):
            return
    raise AssertionError(f"Tab never reached {label}")


def menu(page: Page, label: str) -> None:
    """Follow a side-menu link; on a phone the menu is folded first."""
    toggle = page.locator("details.nav-toggle")
    if toggle.get_attribute("open") is None:
        toggle.locator("summary").click()
    page.locator("nav.sidenav").get_by_role("link", name=label, exact=True).click()
