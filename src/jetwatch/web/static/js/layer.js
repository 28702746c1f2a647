// The aircraft layer on the page's side: a canvas over the basemap whose drawing is
// handed to the map worker (worker.js). Leaflet's own markers are DOM nodes and do not
// keep up with thousands of aircraft; here the page's thread only tells the worker
// where the view is and asks it what it drew.

let seq = 0;

export class AircraftLayer extends L.Layer {
  constructor(onDrawn) {
    super();
    this.onDrawn = onDrawn;
    this.waiting = new Map();  // request id -> resolve
    this.worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
    this.worker.onmessage = (e) => this.message(e.data);
  }

  message(m) {
    if (m.type === "drawn") this.onDrawn(m);
    const done = this.waiting.get(m.id);
    if (done) { this.waiting.delete(m.id); m.type === "error" ? done.reject(new Error(m.error)) : done.resolve(m); }
  }

  ask(type, fields) {
    const id = ++seq;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.worker.postMessage({ type, id, ...fields });
    });
  }

  tell(type, fields) { this.worker.postMessage({ type, ...fields }); }

  onAdd(map) {
    this.map = map;
    const pane = map.getPane("aircraft") || map.createPane("aircraft");  // above the basemap
    pane.style.zIndex = 450;
    this.canvas = L.DomUtil.create("canvas", "aircraft leaflet-zoom-hide", pane);
    this.canvas.setAttribute("aria-hidden", "true");
    const off = this.canvas.transferControlToOffscreen();
    this.worker.postMessage({ type: "canvas", canvas: off }, [off]);
    map.on("moveend zoomend resize viewreset", this.reset, this);
    this.reset();
  }

  onRemove(map) {
    map.off("moveend zoomend resize viewreset", this.reset, this);
    this.canvas.remove();
  }

  reset() {
    const map = this.map, size = map.getSize(), origin = map.containerPointToLayerPoint([0, 0]);
    const po = map.getPixelOrigin();
    L.DomUtil.setPosition(this.canvas, origin);
    this.canvas.style.width = `${size.x}px`;
    this.canvas.style.height = `${size.y}px`;
    this.tell("view", { view: {
      width: size.x, height: size.y, ratio: window.devicePixelRatio || 1,
      scale: 256 * 2 ** map.getZoom(), dx: po.x + origin.x, dy: po.y + origin.y,
    } });
  }

  // the aircraft under a point of the map (container pixels), or null
  async hit(point) {
    return (await this.ask("hit", { x: point.x, y: point.y })).icao24;
  }
}
