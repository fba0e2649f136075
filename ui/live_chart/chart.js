// (loadPlotly comes from load_plotly.js, and player, layoutFor and watchFit from player.js,
// which ui/live_chart.py puts before this module.)
//
// One Plotly chart that stays mounted across Streamlit reruns (an st.components.v2 module).
//
// Streamlit calls this function on the first render and again with the new `data` after every
// rerun, with the same `parentElement`. The first call loads plotly.js (served from the
// installed plotly package) and draws with Plotly.react. Later calls compare the new figure
// with the one drawn:
//  - the layout and every trace's attributes other than its arrays (x, y, customdata) are the
//    same: only the traces whose arrays changed are moved, with Plotly.animate and no redraw
//    (every axis range is fixed by the figure, so nothing else on the chart can change);
//  - anything else changed: Plotly.react, which diffs and redraws the chart in place.
// The animation frames (each a step's markers) are kept for the player under the chart, not
// given to Plotly: ▶/❚❚, one step back and forward, a scrubber over every frame, the speed
// (0.25× to 4×) and a reset of the map's zoom; with the chart focused, Space plays or pauses,
// ←/→ step, Home/End go to either end. A new figure keeps the frame shown. The chart follows
// its container's width (a ResizeObserver) and sets its height so that the map is square and
// fits the window; it takes the page's dark or light theme. A click on the subplot
// `data.click_subplot` (e.g. "xy": the map) is sent back as the trigger value `click` = {x, y},
// the pointer's position in that subplot's coordinates.
//
// Slider previews (ui/previews.py; they arrive after the chart, ui/live_chart/previews.js,
// and are used only with the figure whose id they name): for a slider elsewhere on the page (the
// container Streamlit marks with the class `slider`), the runs its neighbouring positions give,
// as the traces to merge onto the figure's traces in `slots` and each frame's markers. The
// moment that slider's position changes (a key press or a drag: React sets its input's
// aria-valuetext), the chart shows the run computed for exactly that position, without a
// round trip; back at the drawn position it shows the figure's own run; at a position without
// one it waits for the rerun the move starts. A surface parameter's preview swaps every trace
// (`frame_slots` are then the animated markers) and brings the `layout` values that change with
// the surface (the map image, the loss axes), the figure's own with the preview. A new figure from the server replaces every
// preview, and the previews it brings are shown at once where a slider has moved on since.

const ARRAYS = new Set(["x", "y", "customdata"]);
const NO_REDRAW = { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" };

// What is drawn, as text: the layout, each trace, each trace without its arrays (the frames
// go to the player as they are: nothing compares them).
function describe(figure) {
  return {
    layout: JSON.stringify(figure.layout),
    traces: figure.data.map((t) => JSON.stringify(t)),
    shapes: figure.data.map((t) => JSON.stringify(t, (k, v) => (ARRAYS.has(k) ? undefined : v))),
  };
}

const EPS = 1e-6; // slider positions are multiples of steps of 0.01 or more

function sliderInput(preview) {
  return document.querySelector(`.${preview.slider} input[type="range"]`);
}

// The preview's run at the slider's position `value`: null for the figure's own, undefined
// where none was computed.
function swapAt(preview, value) {
  if (Math.abs(value - preview.at) < EPS) return null;
  const i = preview.positions.findIndex((p) => Math.abs(p - value) < EPS);
  return i < 0 ? undefined : preview.swaps[i];
}

// Show `preview`'s run for its slider's position now, if there is one to show.
async function showPreview(Plotly, root, preview) {
  const input = sliderInput(preview);
  if (!input || !root.__drawn) return;
  const swap = swapAt(preview, parseFloat(input.value));
  if (swap === undefined || (root.__shown.get(preview.slider) ?? null) === swap) return;
  const fig = root.__figure;
  const traces = preview.slots.map((slot, i) => (swap ? { ...fig.data[slot], ...swap.traces[i] } : fig.data[slot]));
  root.__shown.set(preview.slider, swap);
  for (const slot of preview.slots) root.__drawn.traces[slot] = null; // the next figure redraws them
  await Plotly.animate(root, { data: traces, traces: preview.slots }, NO_REDRAW);
  // a surface parameter's preview: the map image and the loss axes too (the next figure
  // from the server is then drawn afresh)
  if (preview.layout) {
    await Plotly.relayout(root, swap ? swap.layout : preview.layout);
    root.__drawn.layout = null;
  }
  // the player moves the swapped markers too, and shows them at its frame (after the paint)
  setTimeout(() => {
    if (root.__figure !== fig) return;
    root.__frames = framesShown(root);
    if (!player.atEnd(root)) player.show(Plotly, root, root.__frame);
  }, 0);
}

// The figure's frames with the markers of every run a preview shows in place of its own.
function framesShown(root) {
  const shown = root.__previews.filter((p) => root.__shown.get(p.slider));
  return (root.__figure.frames || []).map((frame, k) => {
    const data = frame.data.slice();
    for (const p of shown) {
      const swap = root.__shown.get(p.slider);
      (p.frame_slots || p.slots.slice(4)).forEach((slot, i) => {
        const at = frame.traces.indexOf(slot);
        if (at >= 0) data[at] = swap.frames[k][i];
      });
    }
    return { ...frame, data };
  });
}

function queue(root, task) {
  root.__queue = (root.__queue || Promise.resolve()).then(task).catch(() => {});
}

// The previews sent for the figure `root` shows (none until they arrive).
function previewsFor(root) {
  const sent = (window.__optiscapePreviews || new Map()).get(root.__key);
  return sent && sent.id === root.__figureId ? sent.previews : null;
}

// Previews that arrive after their figure was drawn: shown where a slider has moved on since.
async function adoptPreviews(Plotly, root) {
  const previews = previewsFor(root);
  if (!previews || !root.__drawn || root.__previewsOf === root.__figureId) return;
  root.__previewsOf = root.__figureId;
  root.__previews = previews;
  for (const p of root.__previews) await showPreview(Plotly, root, p);
}

function watchPreviews() {
  if (window.__optiscapePreviewsWatched) return;
  window.__optiscapePreviewsWatched = true;
  window.addEventListener("optiscape-previews", (ev) => {
    for (const root of window.__optiscapeCharts || []) {
      if (root.__key === ev.detail) queue(root, () => adoptPreviews(window.Plotly, root));
    }
  });
}

// One observer for the page: a slider that some chart previews has moved.
function watchSliders() {
  if (window.__optiscapeSliders) return;
  window.__optiscapeSliders = new MutationObserver((records) => {
    const moved = new Set(records.map((r) => r.target).filter((t) => t.type === "range"));
    for (const root of window.__optiscapeCharts || []) {
      if (!root.isConnected) {
        window.__optiscapeCharts.delete(root);
        continue;
      }
      for (const p of root.__previews || []) {
        if ([...moved].some((t) => t.closest(`.${p.slider}`))) {
          queue(root, () => showPreview(window.Plotly, root, p));
        }
      }
    }
  });
  window.__optiscapeSliders.observe(document.body, {
    subtree: true,
    attributes: true,
    attributeFilter: ["aria-valuetext"],
  });
}

async function draw(Plotly, root, data) {
  const figure = data.figure;
  const was = root.__drawn;
  if (!was) root.textContent = ""; // a message left by a failed draw
  const now = describe(figure);
  const sameShape =
    was &&
    was.layout === now.layout &&
    was.shapes.length === now.shapes.length &&
    now.shapes.every((s, i) => s === was.shapes[i]);
  if (sameShape) {
    const changed = now.traces.flatMap((t, i) => (t === was.traces[i] ? [] : [i]));
    if (changed.length) {
      await Plotly.animate(root, { data: changed.map((i) => figure.data[i]), traces: changed }, NO_REDRAW);
    }
  } else {
    performance.mark("optiscape:draw"); // bench/latency.py reports these marks
    await Plotly.react(root, {
      data: figure.data,
      layout: layoutFor(root, figure.layout),
      config: data.config || {},
    });
  }
  if (!sameShape) {
    dimMap(root, root.__theme);
    performance.mark("optiscape:drawn");
  }
  root.__drawn = now;
  root.__draws = (root.__draws || 0) + 1; // figures from the server drawn (bench/latency.py)
  root.__figure = figure;
  root.__frames = figure.frames || [];
  player.adopt(Plotly, root, (figure.layout.meta || {}).frame_steps || []);
  root.__figureId = data.id;
  root.__previews = [];
  root.__previewsOf = null;
  root.__shown = new Map();
  // a slider that moved on while this figure was on its way: its preview, if there is one
  await adoptPreviews(Plotly, root);
}

export default function ({ data: bytes, parentElement, setTriggerValue }) {
  performance.mark("optiscape:figure");
  const data = JSON.parse(new TextDecoder().decode(bytes)); // ui/live_chart.py sends JSON bytes
  let root = parentElement.querySelector(".optiscape-live-chart");
  if (!root) {
    root = document.createElement("div");
    root.className = "optiscape-live-chart";
    root.style.width = "100%";
    parentElement.appendChild(root);
  }
  if (!root.__drawn) root.style.height = `${data.figure.layout.height}px`;
  root.__send = setTriggerValue; // the latest, for the click handler bound once
  root.__clickSubplot = data.click_subplot;
  root.__key = data.key;
  (window.__optiscapeCharts = window.__optiscapeCharts || new Set()).add(root);
  watchSliders();
  watchPreviews();
  const seq = (root.__seq = (root.__seq || 0) + 1);
  // One update at a time, in order; an update overtaken by a newer one is skipped.
  root.__queue = (root.__queue || Promise.resolve())
    .then(() => loadPlotly(data.plotly_src))
    .then(async (Plotly) => {
      if (seq !== root.__seq) return;
      await draw(Plotly, root, data);
      watchFit(root);
      if (!root.__clickBound) {
        root.__clickBound = true;
        root.on("plotly_click", (ev) => {
          // where the pointer was, in the map's coordinates (not the nearest point of a trace:
          // that may be a path drawn over the map)
          const sub = root.__clickSubplot;
          const hit = (ev.points || []).some((q) => q.xaxis && q.yaxis && q.xaxis._id + q.yaxis._id === sub);
          const fl = root._fullLayout;
          const xa = fl[`xaxis${sub.slice(1, sub.indexOf("y"))}`];
          const ya = fl[`yaxis${sub.slice(sub.indexOf("y") + 1)}`];
          if (!hit || !ev.event || !xa || !ya) return;
          const box = root.getBoundingClientRect();
          const x = xa.p2l(ev.event.clientX - box.left - xa._offset);
          const y = ya.p2l(ev.event.clientY - box.top - ya._offset);
          if (Number.isFinite(x) && Number.isFinite(y)) root.__send("click", { x, y });
        });
      }
    })
    .catch((e) => {
      if (window.Plotly) window.Plotly.purge(root); // its listeners too
      root.__clickBound = false;
      root.__drawn = null; // draw from scratch next time
      root.textContent = `The chart could not be drawn: ${e.message || e}`;
    });
  return () => {
    if (root.__unwatch) root.__unwatch();
    if (window.Plotly) window.Plotly.purge(root);
  };
}
