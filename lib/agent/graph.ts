import "server-only";
import { END, START, StateGraph, type BaseCheckpointSaver } from "@langchain/langgraph";
import type pg from "pg";
import { pool } from "@/lib/db/pool";
import { createCheckpointer, setupCheckpointTables } from "./checkpointer";
import { assessConfidence } from "./nodes/assess-confidence";
import { cacheUpdate } from "./nodes/cache-update";
import { escalate } from "./nodes/escalate";
import { generate } from "./nodes/generate";
import { grade } from "./nodes/grade";
import { humanResolution } from "./nodes/human-resolution";
import { retrieve } from "./nodes/retrieve";
import { AgentState, type AgentStateValue } from "./state";

type Step = "grade" | "generate" | "assess_confidence" | "cache_update";
const orEscalate = (next: Step) => (state: AgentStateValue) => (state.escalation_reason ? "escalate" : next);

/**
 * A question the cache could not answer (the lookup is the flow's, before the run):
 * retrieve → grade → generate → assess_confidence → confident: cache_update → end |
 * otherwise (or any failure on the way): escalate → interrupt() … resume →
 * human_resolution → end.
 */
export function buildAgentGraph(checkpointer: BaseCheckpointSaver) {
  return new StateGraph(AgentState)
    .addNode("retrieve", retrieve)
    .addNode("grade", grade)
    .addNode("generate", generate)
    .addNode("assess_confidence", assessConfidence)
    .addNode("cache_update", cacheUpdate)
    .addNode("escalate", escalate)
    .addNode("human_resolution", humanResolution)
    .addEdge(START, "retrieve")
    .addConditionalEdges("retrieve", orEscalate("grade"), ["grade", "escalate"])
    .addConditionalEdges("grade", orEscalate("generate"), ["generate", "escalate"])
    .addConditionalEdges("generate", orEscalate("assess_confidence"), ["assess_confidence", "escalate"])
    .addConditionalEdges("assess_confidence", orEscalate("cache_update"), ["cache_update", "escalate"])
    .addEdge("cache_update", END)
    .addEdge("escalate", "human_resolution")
    .addEdge("human_resolution", END)
    .compile({ checkpointer });
}

export type AgentGraph = ReturnType<typeof buildAgentGraph>;

/** A graph with a new checkpointer on the app pool (what a fresh process builds). */
export async function createAgentGraph(): Promise<AgentGraph> {
  const appPool = pool();
  await setupCheckpointTables(appPool);
  return buildAgentGraph(createCheckpointer(appPool));
}

const globalForAgent = globalThis as unknown as { __agentGraph?: { pool: pg.Pool; graph: Promise<AgentGraph> } };

/** The process's graph: checkpointer set up once per process (and per pool). */
export function getAgentGraph(): Promise<AgentGraph> {
  const current = globalForAgent.__agentGraph;
  if (current && current.pool === pool()) return current.graph;
  const graph = createAgentGraph();
  const entry = { pool: pool(), graph };
  globalForAgent.__agentGraph = entry;
  graph.catch(() => {
    // A failed set-up is retried by the next request instead of being cached.
    if (globalForAgent.__agentGraph === entry) globalForAgent.__agentGraph = undefined;
  });
  return graph;
}

/** Simulates a process restart: the next getAgentGraph() builds a new graph and checkpointer. */
export function resetAgentGraphForTests(): void {
  globalForAgent.__agentGraph = undefined;
}
