// Colours by altitude, the scale tar1090's users read: warm near the ground, through
// green and cyan to blue and magenta at cruise. Hue is linear between the stops
// (feet → degrees); on the ground grey, altitude unknown light grey.

const STOPS = [[0, 20], [2000, 45], [10000, 120], [20000, 180], [30000, 240], [40000, 300]];
const GROUND = "#7f7f7f";
const UNKNOWN = "#b8b8b8";

function hue(ft) {
  if (ft <= STOPS[0][0]) return STOPS[0][1];
  for (let i = 1; i < STOPS.length; i++) {
    const [a, ha] = STOPS[i - 1], [b, hb] = STOPS[i];
    if (ft <= b) return ha + (hb - ha) * (ft - a) / (b - a);
  }
  return STOPS[STOPS.length - 1][1];
}

export function colour(ft, onGround) {
  if (onGround) return GROUND;
  if (ft === null || ft === undefined) return UNKNOWN;
  return `hsl(${Math.round(hue(ft))},85%,45%)`;
}

// trails are drawn in bands of this many feet: one path per band, not per segment
const BAND = 1000;
export function band(ft, onGround) {
  if (onGround) return -1;
  if (ft === null || ft === undefined) return -2;
  return Math.max(0, Math.min(45, Math.round(ft / BAND)));
}
export function bandColour(b) {
  return b === -1 ? GROUND : b === -2 ? UNKNOWN : colour(b * BAND, false);
}

// the legend: a bar from 0 to 40,000 ft with ticks, and the ground swatch
export function legend(canvas) {
  const w = 230, h = 34, ratio = window.devicePixelRatio || 1;
  canvas.width = w * ratio; canvas.height = h * ratio;
  canvas.style.width = `${w}px`; canvas.style.height = `${h}px`;
  const g = canvas.getContext("2d");
  g.scale(ratio, ratio);
  g.fillStyle = "rgba(255,255,255,0.85)";
  g.fillRect(0, 0, w, h);
  const x0 = 52, x1 = w - 12;
  for (let x = x0; x < x1; x++) {
    g.fillStyle = colour(40000 * (x - x0) / (x1 - x0), false);
    g.fillRect(x, 4, 1, 10);
  }
  g.fillStyle = GROUND;
  g.fillRect(6, 4, 34, 10);
  g.fillStyle = "#222";
  g.font = "10px system-ui, sans-serif";
  g.fillText("ground", 6, 27);
  for (const ft of [0, 10000, 20000, 30000, 40000]) {
    const x = x0 + (x1 - x0) * ft / 40000;
    g.fillRect(x, 14, 1, 3);
    g.fillText(ft ? `${ft / 1000}k` : "0", x - (ft ? 8 : 2), 27);
  }
}
