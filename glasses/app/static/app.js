// The app works without this script. With it: Imagine's images appear one by
// one as the server finishes them, and the shell is cached for offline use.
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(() => {});
}

function figure(event) {
  const item = document.createElement("li");
  if (event.withheld) {
    const note = document.createElement("p");
    note.className = "notice";
    note.textContent = `Image ${event.index + 1} was withheld: ${event.notice}`;
    item.append(note);
    return item;
  }
  const img = document.createElement("img");
  img.src = event.src;
  img.alt = `Imagined image ${event.index + 1}`;
  img.width = event.width;
  img.height = event.height;
  item.append(img);
  if (event.download) {
    for (const [href, text] of [[event.download, "Download"], [event.riff, "Riff on"]]) {
      const link = document.createElement("a");
      link.href = href;
      link.textContent = `${text} image ${event.index + 1}`;
      item.append(link, document.createTextNode(" "));
    }
  }
  return item;
}

async function stream(form, results) {
  if (form.getAttribute("aria-busy") === "true") return; // one request at a time
  form.setAttribute("aria-busy", "true"); // the button keeps the focus (not disabled)
  results.replaceChildren();
  const status = document.createElement("p");
  status.setAttribute("role", "status");
  status.textContent = "Imagining…";
  const list = document.createElement("ul");
  list.className = "grid";
  results.append(status, list);
  try {
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { Accept: "application/x-ndjson" },
    });
    if (!response.ok || !response.headers.get("content-type")?.startsWith("application/x-ndjson")) {
      document.open();
      document.write(await response.text()); // the server's page that says what went wrong
      document.close();
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let shown = 0;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n")) >= 0) {
        const event = JSON.parse(buffer.slice(0, end));
        buffer = buffer.slice(end + 1);
        if (event.error) { status.textContent = `Stopped: ${event.error}`; return; }
        else if (event.done) status.textContent = `Done: ${shown} image${shown === 1 ? "" : "s"}.`;
        else if (event.masked) {
          const note = document.createElement("p");
          note.className = "small redacted";
          note.textContent = `Your photo was redacted on this phone before it was sent: ${event.masked}.`;
          status.before(note);
        }
        else { list.append(figure(event)); shown += 1; status.textContent = `${shown} so far…`; }
      }
    }
  } catch (error) {
    status.textContent = "The app could not reach the server. Try again in a moment.";
  } finally {
    form.removeAttribute("aria-busy");
  }
}

// each form's images appear right below it
function resultsOf(form) {
  const next = form.nextElementSibling;
  if (next && next.classList.contains("results")) return next;
  const results = document.createElement("div");
  results.className = "results"; // its status line is the live region
  form.after(results);
  return results;
}

for (const form of document.querySelectorAll("form[data-stream]")) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    stream(form, resultsOf(form));
  });
}
