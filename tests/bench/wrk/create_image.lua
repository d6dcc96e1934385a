-- CreateImage for wrk: POST /20160918/images capturing one seeded instance.
-- Usage: wrk -s create_image.lua http://HOST:PORT -- COMPARTMENT_OCID INSTANCE_OCID
wrk.method = "POST"
wrk.path = "/20160918/images"
wrk.headers["Content-Type"] = "application/json"

function init(args)
  wrk.body = string.format('{"compartmentId":"%s","instanceId":"%s"}', args[1], args[2])
end
