// Aircraft shapes, drawn here (no icon set is copied): nose up, about 30 px across,
// centred on the position, rotated by the track. Chosen from the class and the
// ADS-B emitter category (A1 light … A7 rotorcraft, B2 balloon, C1–C3 surface).

const P = (d) => new Path2D(d);

export const SHAPES = {
  airliner: P("M0,-15 L2,-12 L2,-4 L14,3 L14,5 L2,2 L2,9 L6,12 L6,14 L0,12.5 L-6,14 L-6,12 L-2,9 L-2,2 L-14,5 L-14,3 L-2,-4 L-2,-12 Z"),
  business_jet: P("M0,-13 L1.5,-10 L1.5,-1 L10,4 L10,5.5 L1.5,3 L1.5,8 L5,11 L5,12.5 L0,11.5 L-5,12.5 L-5,11 L-1.5,8 L-1.5,3 L-10,5.5 L-10,4 L-1.5,-1 L-1.5,-10 Z"),
  helicopter: P("M0,-8 C3,-8 3,2 0,3 C-3,2 -3,-8 0,-8 Z M-0.8,3 L0.8,3 L0.8,12 L-0.8,12 Z M-3,11.5 L3,11.5 L3,13 L-3,13 Z"),
  military: P("M0,-14 L2,-6 L11,8 L11,10 L2,8 L3,12 L-3,12 L-2,8 L-11,10 L-11,8 L-2,-6 Z"),
  light: P("M0,-10 L1.5,-8 L1.5,-3 L11,-2 L11,1 L1.5,1 L1,8 L4,9 L4,11 L-4,11 L-4,9 L-1,8 L-1.5,1 L-11,1 L-11,-2 L-1.5,-3 L-1.5,-8 Z"),
  balloon: P("M6,0 A6,6 0 1,0 6,0.01 Z"),
  vehicle: P("M-4,-4 L4,-4 L4,4 L-4,4 Z"),
  unknown: P("M0,-10 L7,9 L0,5 L-7,9 Z"),
};

const BY_EMITTER = { A1: "light", A2: "business_jet", A3: "airliner", A4: "airliner", A5: "airliner",
  A6: "military", A7: "helicopter", B1: "light", B2: "balloon", B4: "light", B6: "light",
  C1: "vehicle", C2: "vehicle", C3: "vehicle" };
const BY_CLASS = { airliner: "airliner", business_jet: "business_jet", helicopter: "helicopter",
  military: "military", government: "airliner" };

export function shapeOf(a) {
  if (a.emitter && BY_EMITTER[a.emitter] && (a.class === "unknown" || a.emitter[0] !== "A")) {
    return BY_EMITTER[a.emitter];
  }
  return BY_CLASS[a.class] || (a.emitter && BY_EMITTER[a.emitter]) || "unknown";
}

// a helicopter's rotor disc, stroked over its body
export const ROTOR = P("M9,0 A9,9 0 1,0 9,0.01");

// balloons and vehicles are drawn the same whatever their track
export const UPRIGHT = new Set(["balloon", "vehicle"]);
