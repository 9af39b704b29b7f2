-- B4: nearest pickup points among the demo network (100 000 points).
-- Usage: wrk ... http://HOST/api/v1/pickup-points
-- Each request asks for the 20 points nearest to a spot within ~10 km of one of 12 city
-- centres, so the whole index is exercised rather than one cached answer. No session: anyone
-- may search points.

local cities = {
   {55.7558, 37.6173}, {59.9343, 30.3351}, {55.0084, 82.9357}, {56.8389, 60.6057},
   {55.7963, 49.1088}, {56.2965, 43.9361}, {55.1644, 61.4368}, {53.1959, 50.1002},
   {54.9885, 73.3242}, {47.2357, 39.7015}, {54.7388, 55.9721}, {56.0153, 92.8932},
}

function init(args)
   wrk.headers["Accept"] = "application/json"
   math.randomseed(os.time() + math.random(1, 1000000))
end

function request()
   local c = cities[math.random(#cities)]
   local lat = c[1] + (math.random() - 0.5) * 0.18
   local lon = c[2] + (math.random() - 0.5) * 0.3
   return wrk.format("GET", string.format("%s?lat=%.5f&lon=%.5f&limit=20", wrk.path, lat, lon))
end
