// A list of scans being read keeps itself up to date: every few seconds the page is fetched
// again and the part that changes (the element with data-refresh) and the status line are
// swapped in, until nothing is being read any more. Without JavaScript, a <noscript> refresh
// reloads the whole page instead.
(() => {
  const region = document.querySelector("[data-refresh]");
  const status = document.getElementById("scan-status");
  if (!region) return;
  const every = 3000;
  const tick = async () => {
    let fresh;
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) throw new Error(String(response.status));
      fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    } catch {
      window.setTimeout(tick, every * 2);
      return;
    }
    const part = fresh.getElementById(region.id);
    if (part) region.replaceChildren(...part.childNodes);
    const line = fresh.getElementById("scan-status");
    if (status && line && status.textContent !== line.textContent) {
      status.textContent = line.textContent;
    }
    if (part && part.hasAttribute("data-refresh")) window.setTimeout(tick, every);
    else region.removeAttribute("data-refresh");
  };
  window.setTimeout(tick, every);
})();
