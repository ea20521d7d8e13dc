// The resource shapes live in BackroomWire so that the store can write
// events with the resource exactly as the API returns it; everything that
// speaks the API sees them through this module.
@_exported import BackroomWire
