// The map worker's picture: the aircraft of the latest /api/aircraft answer, the
// trails remembered from successive answers (or loaded from /api/trails), and the
// filters that choose what is shown. No DOM: it runs in the worker.

const TRAIL_POINTS = 120;  // per aircraft

export class Traffic {
  constructor() {
    this.now = null;
    this.aircraft = [];
    this.trails = new Map();  // icao24 -> [[lat, lon, altitude, on ground], …]
    this.filters = {};
    this.categories = new Set();
  }

  // a new picture: returns the watchlist categories not seen before
  set(picture) {
    this.now = picture.now;
    this.aircraft = picture.aircraft;
    const fresh = [];
    for (const a of this.aircraft) for (const c of a.categories || []) {
      if (!this.categories.has(c)) { this.categories.add(c); fresh.push(c); }
    }
    this.remember();
    return fresh;
  }

  remember() {
    const seen = new Set();
    for (const a of this.aircraft) {
      seen.add(a.icao24);
      let pts = this.trails.get(a.icao24);
      if (!pts) { pts = []; this.trails.set(a.icao24, pts); }
      const last = pts[pts.length - 1];
      if (!last || last[0] !== a.lat || last[1] !== a.lon) pts.push([a.lat, a.lon, a.altitude, a.on_ground]);
      if (pts.length > TRAIL_POINTS) pts.splice(0, pts.length - TRAIL_POINTS);
    }
    for (const hex of this.trails.keys()) if (!seen.has(hex)) this.trails.delete(hex);
  }

  // /api/trails: [lon, lat, altitude, on ground 1/0] per point
  loadTrails(trails) {
    this.trails.clear();
    for (const [hex, pts] of Object.entries(trails)) {
      this.trails.set(hex, pts.map((p) => [p[1], p[0], p[2], p[3] === 1]));
    }
    this.remember();
  }

  shown() {
    const f = this.filters, find = (f.find || "").trim().toUpperCase();
    const lo = parseFloat(f.altmin), hi = parseFloat(f.altmax);
    return this.aircraft.filter((a) => {
      if (f.cls && a.class !== f.cls) return false;
      if (f.category && !(a.categories || []).includes(f.category)) return false;
      if (f.ground === "ground" && a.on_ground !== true) return false;
      if (f.ground === "air" && a.on_ground === true) return false;
      if (!isNaN(lo) && !(a.altitude >= lo)) return false;  // unknown altitude is in no band
      if (!isNaN(hi) && !(a.altitude <= hi)) return false;
      if (f.area && !within(a, f.area)) return false;
      if (find && ![a.callsign, a.registration, a.icao24, a.typecode].some((v) => v && v.toUpperCase().includes(find))) return false;
      return true;
    });
  }
}

// within an area's circle (great-circle distance, km)
function within(a, area) {
  const [lat, lon] = area.centre, p = Math.PI / 180;
  const dlat = (a.lat - lat) * p, dlon = (a.lon - lon) * p;
  const h = Math.sin(dlat / 2) ** 2 + Math.cos(lat * p) * Math.cos(a.lat * p) * Math.sin(dlon / 2) ** 2;
  return 12742 * Math.asin(Math.sqrt(h)) <= area.radius_km;
}
