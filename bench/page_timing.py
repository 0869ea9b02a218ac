"""Timing a trainee's action in the page itself (``bench.class_load``)."""

from __future__ import annotations

# An action's time, measured in the page as a trainee sees it: from the click (the input event's
# own time stamp) to the first frame painted after the guided panel shows the next step (a
# MutationObserver, then the frame: requestAnimationFrame and the task after it). Armed before the
# click; ``window.__gfAction`` resolves to {changed, painted} in ms. Playwright's own share — its
# checks before a click (visible, stable over two frames, hit target) and the round trips to
# ask — is not the app's: it is reported apart, as the client's time (``action_client_*``).
ARM_ACTION = r"""(before) => {
  const shown = () => {
    const guide = document.querySelector('.gf-guide');
    if (!guide) return false;
    // textContent, not innerText: asked at every change, it must not make the page lay itself out
    const m = guide.textContent.match(/ขั้นตอน (\d+)\//);  // "step 4/14", not a note's "step 3:"
    return !m || Number(m[1]) > before;
  };
  window.__gfAction = new Promise((resolve, reject) => {
    let clicked = null;
    const onClick = (event) => {
      if (clicked === null && event.target.closest && event.target.closest('button.gf-guide-play')) clicked = event.timeStamp;
    };
    const done = () => { observer.disconnect(); document.removeEventListener('click', onClick, true); };
    const timer = setTimeout(() => { done(); reject(new Error('the next step did not show within 30 s')); }, 30000);
    const observer = new MutationObserver(() => {
      if (clicked === null || !shown()) return;
      done();
      const changed = performance.now() - clicked;
      requestAnimationFrame(() => setTimeout(() => {
        clearTimeout(timer);
        resolve({ changed, painted: performance.now() - clicked });
      }, 0));
    });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    document.addEventListener('click', onClick, true);
  });
}"""
