-- CreateImage for wrk: POST /20160918/images importing an image from Object Storage (an instance
-- cannot be captured again while its last image provisions), the body ocifake_bench's create_body()
-- sends.
-- Usage: wrk -s create_image.lua http://HOST:PORT -- COMPARTMENT_OCID
wrk.method = "POST"
wrk.path = "/20160918/images"
wrk.headers["Content-Type"] = "application/json"

function init(args)
  wrk.body = string.format('{"compartmentId":"%s","imageSourceDetails":{"sourceType":"objectStorageUri",' ..
    '"sourceUri":"https://objectstorage.us-phoenix-1.oraclecloud.com/n/benchns/b/images/o/base.qcow2"}}', args[1])
end
