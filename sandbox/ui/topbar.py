"""The sandbox bar above the screens (time, who sits at the desk, the switch list, language, the
clock box, «เริ่มใหม่») and the left menu of the real system's tree. ``app`` is the App of app.py
(which imports this module, so it is not imported here)."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from ..domain.model import ROLES
from .screens.registry import menu
from .widgets import EXERCISES_LINK, button, esc, named_list, safe, t


def build_bar(app: Any) -> w.VBox:
    """The bar's widgets, kept on the app (``app.person_pick``, ``app.clock_to`` …); the bar."""
    lang = app.model.lang
    app.bar_info = w.HTML()
    # as wide as the bar leaves it (the longest entry, 111 characters, reads whole at 1366 px); its
    # tooltip the chosen person's whole entry, wherever the box is narrower
    app.person_pick = w.Dropdown(options=people(app), value=app.model.person,
                                 layout=w.Layout(width="auto", min_width="420px", flex="1 1 auto"))
    app.person_pick.add_class("gf-switch-user")
    app.person_pick.observe(safe(lambda ch: app.set_person(ch["new"])), "value")
    app.person_pick.observe(lambda _ch: entry_tooltip(app.person_pick), "label")
    entry_tooltip(app.person_pick)
    app.lang_btn = button(t("language", lang), "gf-lang")
    app.lang_btn.on_click(safe(lambda _b: app.set_lang("en" if app.model.lang == "th" else "th")))
    app.clock_to = w.Text(layout=w.Layout(width="170px"), continuous_update=False)  # 29/03/2567 16:30; its placeholder the clock's now
    app.clock_to.add_class("gf-clock-to")
    app.clock_btn = button(t("advance_clock", lang), "gf-clock")
    app.clock_btn.on_click(safe(lambda _b: app.move_clock(app.clock_to.value)))
    app.reset_btn = button(t("reset", lang), "gf-reset", "warning")
    app.reset_btn.on_click(safe(lambda _b: app.ask_reset()))
    # «เริ่มใหม่» wipes the sandbox: the trainer's, and only after a second, explicit yes.
    app.reset_yes = button(t("reset_confirm", lang), "gf-reset-yes", "danger")
    app.reset_yes.on_click(safe(lambda _b: app.confirm_reset()))
    app.reset_no = button(t("reset_cancel", lang), "gf-reset-no")
    app.reset_no.on_click(safe(lambda _b: app.cancel_reset()))
    app.reset_ask = w.HBox([w.HTML(f"<span class='gf-warn'>{esc(t('reset_question', lang))}</span>"),
                             app.reset_yes, app.reset_no], layout=w.Layout(display="none"))  # its own: shown, hidden
    app.bar_msg = w.HTML()
    app.scroll_top = w.HTML(layout=w.Layout(height="0px", overflow="hidden", margin="0"))  # to_top's
    bar = w.VBox([
        w.HBox([w.HTML(f"<b style='font-size:17px'>{esc(t('app_title', lang))}</b>"), app.lang_btn],
               layout=w.Layout(justify_content="space-between")),
        w.HBox([app.bar_info]),
        w.HBox([w.HTML(esc(t("switch_user", lang)) + ":&nbsp;", layout=w.Layout(flex="0 0 auto")), app.person_pick,
                w.HTML("&nbsp;&nbsp;"), app.clock_to, app.clock_btn, app.reset_btn], layout=w.Layout(align_items="center")),
        app.reset_ask,
        app.bar_msg,
        app.scroll_top,
    ])
    bar.add_class("gf-bar")
    return bar


def entry_tooltip(pick: w.Dropdown) -> None:
    pick.tooltip = pick.label or ""


def people(app: Any) -> list[tuple[str, str]]:
    """The switch list's entries, (label, user id), in the order a trainee looks for a person: by
    organisation (agency, then unit), then role as the manual lists them, then user name; each
    read «name (role, unit) · user name»."""
    return [(t("uxe_person_entry", app.model.lang).format(
                name=u["name"], roles=named_list("role_names", u["roles"], app.model.lang), unit=u["unit_name"] or u["unit"],
                id=u["id"]), u["id"])
            for u in sorted(app.sandbox.users(), key=person_order)]


def person_order(user: dict) -> tuple:
    roles = [r.strip() for r in user["roles"].split(",") if r.strip()]
    rank = min((ROLES.index(r) for r in roles if r in ROLES), default=len(ROLES))
    return (user.get("agency") or "", user["unit"], rank, user["id"])


def build_menu(app: Any) -> w.VBox:
    """The left menu: each heading with its screens' buttons, then the exercise catalogue's link."""
    lang = app.model.lang
    items: list[w.Widget] = []
    for head, entries in menu():
        items.append(w.HTML(f"<div class='gf-menu-head'>{esc(t(head, lang))}</div>"))
        for entry in entries:
            b = button(t(entry.menu_key, lang), f"gf-menu-{entry.key}", width="250px")
            b.on_click(safe(lambda _b, s=entry.key: app.show(s)))
            items.append(b)
    items.append(w.HTML(EXERCISES_LINK.format(t("tr_menu_exercises", lang), t("tr_menu_exercises_note", lang))))
    box = w.VBox(items, layout=w.Layout(width="262px", min_width="262px", flex="0 0 auto"))
    box.add_class("gf-menu")
    return box


# Run in the page when the beat changes (an image that cannot load): the window and every box
# around the screens back at their top. ipywidgets draws an HTML widget's value as HTML, and its
# handlers run; the image is a ``data:`` URL, so nothing is fetched.
TO_TOP = ("<img alt='' data-n='{n}' src='data:,' style='display:none' onerror=\"(function(){{"
          "var a=document.querySelector('.gf-area');for(var x=a;x;x=x.parentElement){{if(x.scrollTop)x.scrollTop=0;}}"
          "if(window.scrollY)window.scrollTo(0,0);}})()\">")


def to_top(beat: w.HTML) -> None:
    """The page scrolls back to the top of the screens (a screen was opened)."""
    n = int(beat.value.split("data-n='")[1].split("'")[0]) + 1 if "data-n='" in beat.value else 1
    beat.value = TO_TOP.format(n=n)
