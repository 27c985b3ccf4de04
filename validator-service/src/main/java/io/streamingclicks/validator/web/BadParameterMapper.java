package io.streamingclicks.validator.web;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Writes a {@link BadParameter} as 400 with a JSON body a client can act on. */
@Provider
public class BadParameterMapper implements ExceptionMapper<BadParameter> {

    @Override
    public Response toResponse(BadParameter e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", "bad_parameter");
        body.put("field", e.field());
        body.put("allowed", e.allowed());
        body.put("value", e.value());
        body.put("message", e.getMessage());
        return Response.status(400).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
