// The map of the public city map: a companion to the list, drawn from the JSON in #actor-map-data.
// Served as a static file, never inline (Content-Security-Policy); the page works without it.
(function () {
  "use strict";

  function popupContent(marker, config) {
    var box = document.createElement("div");
    box.dir = config.rtl ? "rtl" : "ltr";
    var name = document.createElement("strong");
    name.textContent = marker.name;
    name.lang = "de";
    name.dir = "auto";
    box.appendChild(name);
    var category = document.createElement("div");
    category.textContent = marker.category;
    box.appendChild(category);
    if (marker.url) {
      var link = document.createElement("a");
      link.href = marker.url;
      link.textContent = config.details;
      box.appendChild(link);
    }
    return box;
  }

  function draw() {
    var data = document.getElementById("actor-map-data");
    var container = document.getElementById("actor-map");
    if (!data || !container || typeof L === "undefined") {
      return;
    }
    var config = JSON.parse(data.textContent);
    container.hidden = false;
    // Leaflet lays out its panes left to right; the page around it may be right to left.
    container.dir = "ltr";
    var map = L.map(container, {
      zoomControl: false,
      scrollWheelZoom: false,
    });
    L.control.zoom({ zoomInTitle: config.zoom_in, zoomOutTitle: config.zoom_out }).addTo(map);
    var notice = document.getElementById("map-notice");
    var tiles = L.tileLayer(config.tiles, { maxZoom: 19, attribution: config.attribution });
    tiles.on("tileerror", function () {
      if (notice) {
        notice.hidden = false;
      }
    });
    tiles.addTo(map);
    var icon = L.icon({
      iconUrl: config.icon.url,
      iconRetinaUrl: config.icon.retina,
      shadowUrl: config.icon.shadow,
      iconSize: [25, 41],
      iconAnchor: [12, 41],
      popupAnchor: [1, -34],
      tooltipAnchor: [16, -28],
      shadowSize: [41, 41],
    });
    config.markers.forEach(function (marker) {
      L.marker([marker.lat, marker.lon], { icon: icon, title: marker.name, alt: marker.name })
        .bindPopup(popupContent(marker, config))
        .addTo(map);
    });
    if (config.markers.length > 1) {
      map.fitBounds(config.bounds, { padding: [24, 24], maxZoom: 16 });
    } else {
      map.setView(config.centre, 16);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
