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
          s.onload = () => resolve(window.Plotly);
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
