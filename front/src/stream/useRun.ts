/** Attaches a component to a run's stream: the reducer's state, kept live until the run ends. */
import { useEffect, useReducer, useRef } from "react";
import type { RunStatus } from "../api/types";
import { initialRunState, runReducer, type RunState } from "./runReducer";
import { followRun } from "./runStream";

export function useRun(runId: string, initialStatus: RunStatus = "queued"): RunState {
  const [state, dispatch] = useReducer(runReducer, runId, (id: string) =>
    initialRunState(id, initialStatus),
  );
  // The stream reads these between reconnections; refs keep it off the render cycle.
  const lastSeq = useRef(0);
  const finished = useRef(false);

  useEffect(() => {
    if (finished.current) return;
    const controller = new AbortController();
    void followRun({
      runId,
      signal: controller.signal,
      lastSeq: () => lastSeq.current,
      onEvent(event) {
        if (event.seq <= lastSeq.current) return;
        lastSeq.current = event.seq;
        if (event.type === "state") finished.current = true;
        dispatch({ type: "event", event });
      },
      onConnection(connection, attempt) {
        dispatch({ type: "connection", connection, attempt });
      },
      onFatal(message) {
        finished.current = true;
        dispatch({ type: "failed", error: message });
      },
    });
    return () => {
      controller.abort();
    };
  }, [runId]);

  return state;
}
