package io.streamingclicks.validator.dq;

import java.util.List;

import io.streamingclicks.validator.db.Workspace;

/** A data-quality check over one snapshot of committed output; may report several named results. */
public interface Check {

    List<CheckResult> run(Workspace ws) throws Exception;
}
