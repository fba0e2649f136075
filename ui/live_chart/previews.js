// The slider previews of a chart (ui/live_chart.py `previews`), sent after the chart itself:
// kept on window by the chart's key, with the id of the figure they belong to, and announced
// to the chart (ui/live_chart/chart.js), which shows them only while it shows that figure.
export default function ({ data }) {
  const sent = JSON.parse(new TextDecoder().decode(data));
  (window.__optiscapePreviews = window.__optiscapePreviews || new Map()).set(sent.chart, sent);
  window.dispatchEvent(new CustomEvent("optiscape-previews", { detail: sent.chart }));
}
