// plotly.js, loaded once per page, its promise kept on window so that the preloader and the
// chart share one load. The cartesian bundle is 1.5 MB and Streamlit gzips component files anew
// on every request (about 0.1 s of server CPU each time), so where the browser offers Cache
// Storage (a secure context, such as localhost or https) the file is kept there under its
// versioned URL and fetched once; elsewhere it is a plain <script src>.
async function plotlyUrl(src) {
  if (!window.caches) return src;
  try {
    const cache = await caches.open("optiscape-plotly");
    let response = await cache.match(src);
    if (!response) {
      response = await fetch(src);
      if (!response.ok) return src;
      const here = new URL(src, location.href).href;
      for (const old of await cache.keys()) if (old.url !== here) await cache.delete(old);
      await cache.put(src, response.clone());
    }
    return URL.createObjectURL(await response.blob());
  } catch (e) {
    return src;
  }
}

function loadPlotly(src) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!window.__optiscapePlotly) {
    window.__optiscapePlotly = plotlyUrl(src).then(
      (url) =>
        new Promise((resolve, reject) => {
          const s = document.createElement("script");
          s.src = url;
          s.onload = () => {
            performance.mark("optiscape:plotly");
            resolve(window.Plotly);
          };
          s.onerror = () => {
            window.__optiscapePlotly = null;
            reject(new Error(`could not load plotly.js from ${src}`));
          };
          document.head.appendChild(s);
        }),
    );
  }
  return window.__optiscapePlotly;
}

// plotly.js's first draw of a figure runs cold: about 0.3 s of the main thread for the Compare
// figure here, against 0.06 s for the next draw of the same figure. So while the server computes
// the first figure, the preloader draws `figure` (a small one made the same way,
// plots.compare.rehearsal_figure) once, off-screen, and throws it away; skipped where a chart
// has already begun to draw (its own draw must not wait).
async function rehearsePlotly(Plotly, figure) {
  if (window.__optiscapeRehearsed || (window.__optiscapeCharts && window.__optiscapeCharts.size)) return;
  window.__optiscapeRehearsed = true;
  const div = document.createElement("div");
  div.setAttribute("aria-hidden", "true");
  div.style.cssText = "position:fixed;left:-10000px;top:0;width:900px;visibility:hidden;pointer-events:none";
  document.body.appendChild(div);
  performance.mark("optiscape:rehearsal");
  try {
    await Plotly.newPlot(div, { data: figure.data, layout: figure.layout, frames: figure.frames || [] });
  } finally {
    Plotly.purge(div);
    div.remove();
    performance.mark("optiscape:rehearsed");
  }
}
