-- GetImage for wrk: GET /20160918/images/IMAGE_OCID.
-- Usage: wrk -s get_image.lua http://HOST:PORT -- IMAGE_OCID
function init(args)
  wrk.path = "/20160918/images/" .. args[1]
end
