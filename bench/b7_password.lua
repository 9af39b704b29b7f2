-- B7: password sign-in, POST /api/v1/auth/password (Argon2id: slow on purpose).
-- Usage: wrk ... http://HOST/api/v1/auth/password -- <email> <password>

function init(args)
   if not args[2] then
      error("b7_password.lua needs the email and the password as arguments")
   end
   wrk.method = "POST"
   wrk.headers["Content-Type"] = "application/json"
   wrk.headers["Accept"] = "application/json"
   wrk.body = string.format('{"login":"%s","password":"%s"}', args[1], args[2])
end
