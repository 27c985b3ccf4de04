package io.streamingclicks.producer.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a {@link BadRequest} into {@code 400 {"error":..., "field":..., "allowed":...}}. */
@Provider
public class BadRequestMapper implements ExceptionMapper<BadRequest> {

    @Override
    public Response toResponse(BadRequest e) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", e.getMessage());
        body.put("field", e.field());
        body.put("allowed", e.allowed());
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON).entity(body).build();
    }
}
