// The chart's player, size and theme (ui/live_chart.py puts this before chart.js).
//
// The player is a toolbar under the chart: ▶/❚❚, one step back and forward, a scrubber over
// every frame, "step k / T", the speed (0.25× to 4×) and ⟲ (the map's zoom back to its
// domain). The figure's frames (plots.compare: every step of the first fifty, then steps
// spaced in log(step)) are kept on the chart's element, root.__frames, and shown with
// Plotly.animate on the marker traces alone. With the chart focused (a click on it, or Tab),
// Space plays or pauses, ←/→ step one frame, Home/End go to either end.

const FRAME_MS = 60; // a frame's time at 1×: 100 frames in 6 s
const SPEEDS = [0.25, 0.5, 1, 2, 4];
const SHOW = { transition: { duration: 0 }, frame: { duration: 0, redraw: false }, mode: "immediate" };

const player = {
  // The toolbar for `root`, made once, after it.
  bar(root) {
    if (root.__bar) return root.__bar;
    const bar = document.createElement("div");
    bar.className = "optiscape-player";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", "animation");
    bar.style.cssText =
      "display:flex;align-items:center;gap:0.4rem;flex-wrap:nowrap;padding:0.2rem 0 0 0;font-size:0.9rem;color:inherit";
    const button = (act, text, title) => {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.act = act;
      b.textContent = text;
      b.title = title;
      b.setAttribute("aria-label", title);
      b.style.cssText =
        "white-space:nowrap;padding:0.15rem 0.5rem;border-radius:0.4rem;border:1px solid rgba(128,128,128,0.5);background:transparent;color:inherit;cursor:pointer;font:inherit";
      bar.appendChild(b);
      return b;
    };
    bar.__play = button("play", "▶ Play", "play or pause (Space)");
    button("back", "−1", "one frame back (←)");
    button("forward", "+1", "one frame forward (→)");
    const scrub = document.createElement("input");
    scrub.type = "range";
    scrub.min = "0";
    scrub.step = "1";
    scrub.className = "optiscape-scrub";
    scrub.setAttribute("aria-label", "step");
    scrub.style.cssText = "flex:1 1 auto;min-width:4rem";
    bar.appendChild(scrub);
    bar.__scrub = scrub;
    const label = document.createElement("span");
    label.className = "optiscape-step";
    label.style.cssText = "white-space:nowrap;font-variant-numeric:tabular-nums";
    bar.appendChild(label);
    bar.__label = label;
    const speed = document.createElement("select");
    speed.setAttribute("aria-label", "speed");
    speed.title = "speed";
    speed.style.cssText = "background:transparent;color:inherit;border:1px solid rgba(128,128,128,0.5);border-radius:0.4rem;font:inherit";
    for (const v of SPEEDS) {
      const o = document.createElement("option");
      o.value = String(v);
      o.textContent = `${v}×`;
      o.selected = v === 1;
      speed.appendChild(o);
    }
    bar.appendChild(speed);
    bar.__speed = speed;
    button("zoom", "⟲", "reset the map's zoom (a drag on the map zooms; a double click resets too)");
    root.after(bar);
    root.__bar = bar;
    root.__speed = 1;
    const Plotly = () => window.Plotly;
    bar.addEventListener("click", (ev) => {
      const act = ev.target.closest("button")?.dataset.act;
      if (act) player.act(Plotly(), root, act);
    });
    scrub.addEventListener("input", () => {
      player.pause(root);
      player.show(Plotly(), root, parseInt(scrub.value, 10));
    });
    speed.addEventListener("change", () => {
      root.__speed = parseFloat(speed.value);
    });
    // the keyboard, where the chart or its toolbar has focus
    const wrapper = root.parentElement;
    wrapper.tabIndex = 0;
    wrapper.style.outline = "none";
    wrapper.addEventListener("mousedown", (ev) => {
      if (!ev.target.closest("select,input")) wrapper.focus({ preventScroll: true });
    });
    wrapper.addEventListener("keydown", (ev) => {
      if (ev.target.closest("select")) return;
      const act = { " ": "play", ArrowLeft: "back", ArrowRight: "forward", Home: "first", End: "last" }[ev.key];
      if (!act || ev.altKey || ev.ctrlKey || ev.metaKey) return;
      ev.preventDefault();
      player.act(Plotly(), root, act);
    });
    return bar;
  },

  act(Plotly, root, act) {
    const last = root.__frames.length - 1;
    if (act === "play") return root.__playing ? player.pause(root) : player.play(Plotly, root);
    if (act === "zoom") {
      const fl = root.__figure.layout;
      return Plotly.relayout(root, { "xaxis.range": fl.xaxis.range, "yaxis.range": fl.yaxis.range });
    }
    player.pause(root);
    const to = { back: root.__frame - 1, forward: root.__frame + 1, first: 0, last }[act];
    player.show(Plotly, root, Math.max(0, Math.min(last, to)));
  },

  // A new figure's frames: the toolbar set to them, the frame shown kept where it can be.
  adopt(Plotly, root, steps) {
    const bar = player.bar(root);
    const last = root.__frames.length - 1;
    root.__steps = steps;
    bar.style.display = last > 0 ? "flex" : "none";
    bar.__scrub.max = String(Math.max(last, 0));
    const keep = root.__frame !== undefined && root.__frame < last && !root.__ended;
    if (keep) player.show(Plotly, root, root.__frame);
    else {
      player.mark(root, last);
      drawArrows(Plotly, root, last);
    }
  },

  atEnd(root) {
    return root.__frame === undefined || root.__frame >= root.__frames.length - 1;
  },

  // The toolbar says frame `k` is shown.
  mark(root, k) {
    const bar = root.__bar;
    const steps = root.__steps || [];
    root.__frame = k;
    root.__ended = k >= root.__frames.length - 1;
    bar.__scrub.value = String(k);
    bar.__label.textContent = `step ${steps[k] ?? k} / ${steps[steps.length - 1] ?? 0}`;
  },

  async show(Plotly, root, k) {
    const frame = root.__frames[k];
    if (!frame) return;
    player.mark(root, k);
    await Plotly.animate(root, { data: frame.data, traces: frame.traces }, SHOW);
    await drawArrows(Plotly, root, k);
  },

  play(Plotly, root) {
    if (root.__frames.length < 2) return;
    if (player.atEnd(root)) player.show(Plotly, root, 0);
    root.__playing = true;
    root.__bar.__play.textContent = "❚❚ Pause";
    const tick = async () => {
      if (!root.__playing || !root.isConnected) return;
      const next = root.__frame + 1;
      if (next >= root.__frames.length) return player.pause(root);
      await player.show(Plotly, root, next);
      root.__timer = setTimeout(tick, FRAME_MS / root.__speed);
    };
    root.__timer = setTimeout(tick, FRAME_MS / root.__speed);
  },

  pause(root) {
    root.__playing = false;
    clearTimeout(root.__timer);
    if (root.__bar) root.__bar.__play.textContent = "▶ Play";
  },
};

// The page's theme: its background colour, and whether it is dark.
function pageTheme() {
  const app = document.querySelector(".stApp") || document.body;
  const bg = getComputedStyle(app).backgroundColor;
  const m = bg.match(/\d+(\.\d+)?/g);
  if (!m || (m.length > 3 && Number(m[3]) === 0)) return { bg: "#ffffff", dark: false };
  const [r, g, b] = m.map(Number);
  return { bg, dark: 0.2126 * r + 0.7152 * g + 0.0722 * b < 110 };
}

const DARK = { font: "#e6e6e6", grid: "#3a4050", line: "#6b7280" };
const LIGHT = { font: "#31333f", grid: "#e6e6e6", line: "#999999" };

// What the theme changes in a layout, as Plotly.relayout's keys: the page's background behind
// the chart, text and grid lines that read on it.
function themeUpdate(layout, theme) {
  const t = theme.dark ? DARK : LIGHT;
  const out = { paper_bgcolor: theme.bg, plot_bgcolor: theme.bg, "font.color": t.font };
  for (const k of Object.keys(layout)) {
    if (/^[xy]axis\d*$/.test(k)) {
      out[`${k}.gridcolor`] = t.grid;
      out[`${k}.linecolor`] = t.line;
      out[`${k}.zerolinecolor`] = t.grid;
    }
  }
  return out;
}

// The map's image dimmed on a dark page (its sand-coloured high ground would glare): a class
// on the chart, since plotly.js adds the image only once it has loaded.
function dimMap(root, theme) {
  if (!document.getElementById("optiscape-dark-style")) {
    const style = document.createElement("style");
    style.id = "optiscape-dark-style";
    style.textContent = ".optiscape-dark .imagelayer image { filter: brightness(0.72) contrast(1.08); }";
    document.head.appendChild(style);
  }
  root.classList.toggle("optiscape-dark", Boolean(theme && theme.dark));
}

function applyUpdate(layout, update) {
  const out = structuredClone(layout);
  for (const [path, v] of Object.entries(update)) {
    const keys = path.split(".");
    let o = out;
    for (const k of keys.slice(0, -1)) o = o[k] = o[k] || {};
    o[keys[keys.length - 1]] = v;
  }
  return out;
}

// The size for `root`: its container's width, and a height that makes the map square (its
// aspect from the figure) and keeps chart and player inside the window.
function sizeFor(root, layout) {
  const width = Math.max(root.clientWidth, 280);
  const m = layout.margin || { l: 50, r: 20, t: 30, b: 40 };
  const meta = layout.meta || {};
  if (!meta.map_aspect) return { width, height: layout.height };
  const map = (width - m.l - m.r) * (layout.xaxis.domain[1] - layout.xaxis.domain[0]);
  const want = map * meta.map_aspect + m.t + m.b + 28; // the legend above the plots
  const top = root.getBoundingClientRect().top + window.scrollY;
  const room = window.innerHeight - Math.min(top, window.innerHeight * 0.45) - 48; // the player
  return { width, height: Math.round(Math.max(300, Math.min(want, room))) };
}

// The figure's layout as drawn: its size and the page's theme.
function layoutFor(root, layout) {
  const size = sizeFor(root, layout);
  root.__size = size;
  root.__theme = pageTheme();
  root.style.height = `${size.height}px`;
  return applyUpdate({ ...layout, ...size }, themeUpdate(layout, root.__theme));
}

// A window or column that changed size, or a theme that changed: the chart follows, without a
// rerun.
function watchFit(root) {
  if (root.__fitWatched) return;
  root.__fitWatched = true;
  const refit = () => {
    const Plotly = window.Plotly;
    const fig = root.__figure;
    if (!Plotly || !fig || !root.isConnected) return;
    const size = sizeFor(root, fig.layout);
    const theme = pageTheme();
    const was = root.__size || {};
    const same = root.__theme && theme.bg === root.__theme.bg;
    if (Math.abs(size.width - was.width) < 2 && Math.abs(size.height - was.height) < 2 && same) return;
    root.__size = size;
    root.__theme = theme;
    root.style.height = `${size.height}px`;
    queue(root, async () => {
      await Plotly.relayout(root, { ...size, ...themeUpdate(fig.layout, theme) });
      dimMap(root, theme);
    });
  };
  root.__resizeObserver = new ResizeObserver(refit);
  root.__resizeObserver.observe(root.parentElement);
  window.addEventListener("resize", refit);
  root.__themeTimer = setInterval(refit, 1000); // Streamlit's theme menu changes no element we observe
  root.__unwatch = () => {
    root.__fitWatched = false;
    root.__resizeObserver.disconnect();
    window.removeEventListener("resize", refit);
    clearInterval(root.__themeTimer);
    player.pause(root);
  };
}

// What each run's step is made of at frame k (plots.compare.with_step_arrows): −η∇f in grey,
// the direction with its memory (−η·v, −η·m̂) thin in the run's colour, the step taken thick;
// adaptive methods name each coordinate's scale. Arrows keep their proportions; all of them
// are magnified by one round factor (1, 2, 5, 10 …) so that the longest is about an eighth of
// the map, and the player says by how much.
const GRADIENT_COLOR = "#8a8f98";

function arrowsAt(root, k) {
  const layout = root.__figure.layout;
  const parts = (layout.meta || {}).arrows;
  if (!parts) return null;
  const [x0, x1] = layout.xaxis.range;
  // a run that has ended (or the last frame, whose step has no next one): its last step
  const index = (p) => {
    let i = Math.min(k, p.point.length - 1);
    while (i > 0 && !p.point[i]) i -= 1;
    return i;
  };
  let longest = 0;
  for (const p of parts) {
    for (const name of ["gradient", "memory", "step"]) {
      const v = p[name] && p[name][index(p)];
      if (v) longest = Math.max(longest, Math.hypot(v[0], v[1]));
    }
  }
  let factor = 1;
  const want = (x1 - x0) / 8;
  if (longest > 0 && longest < want) {
    const raw = want / longest;
    const decade = 10 ** Math.floor(Math.log10(raw));
    factor = [5, 2, 1].map((m) => m * decade).find((f) => f <= raw) || decade;
  }
  const notes = [];
  const arrow = (from, v, color, width, head) => ({
    x: from[0] + factor * v[0],
    y: from[1] + factor * v[1],
    ax: from[0],
    ay: from[1],
    xref: "x",
    yref: "y",
    axref: "x",
    ayref: "y",
    showarrow: true,
    arrowhead: head,
    arrowsize: 1,
    arrowwidth: width,
    arrowcolor: color,
    text: "",
  });
  for (const p of parts) {
    const i = index(p);
    const at = p.point[i];
    if (!at) continue;
    if (p.gradient[i]) notes.push(arrow(at, p.gradient[i], GRADIENT_COLOR, 2, 2));
    if (p.memory && p.memory[i]) notes.push(arrow(at, p.memory[i], p.color, 1.5, 3));
    if (p.step[i]) notes.push(arrow(at, p.step[i], p.color, 3.5, 2));
    if (p.scale && p.scale[i]) {
      const [a, b] = p.scale[i].map((v) => Number(v).toPrecision(2));
      notes.push({
        x: at[0], y: at[1], xref: "x", yref: "y", showarrow: false, xanchor: "left", yanchor: "top",
        xshift: 6, yshift: -6, text: `η/(√s+ε) = (${a}, ${b})`, font: { size: 11, color: p.color },
        bgcolor: "rgba(255,255,255,0.7)",
      });
    }
  }
  return { notes, factor };
}

async function drawArrows(Plotly, root, k) {
  const drawn = arrowsAt(root, k);
  const base = root.__figure.layout.annotations || [];
  if (!drawn) {
    if (root.__arrowsDrawn) {
      root.__arrowsDrawn = false;
      await Plotly.relayout(root, { annotations: base });
    }
    return;
  }
  root.__arrowsDrawn = true;
  if (root.__bar) root.__bar.__label.textContent += drawn.factor > 1 ? `  ·  arrows × ${drawn.factor}` : "";
  await Plotly.relayout(root, { annotations: base.concat(drawn.notes) });
}
