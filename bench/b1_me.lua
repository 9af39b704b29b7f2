-- B1: GET /api/v1/me with a session (the floor of every signed-in page).
-- Usage: wrk ... http://HOST/api/v1/me -- <session token>
-- Every request carries the same bearer token; the URL gives the path.

function init(args)
   if not args[1] or args[1] == "" then
      error("b1_me.lua needs the session token as its first argument")
   end
   wrk.headers["Authorization"] = "Bearer " .. args[1]
   wrk.headers["Accept"] = "application/json"
end
