/** Example questions for the empty state: what the synthetic corpus can answer. */
export const SUGGESTIONS: readonly string[] = [
  "Who has led a Kubernetes migration and speaks Spanish?",
  "Find data engineers with Spark and Airflow experience.",
  "Which candidates have managed a team of more than ten people?",
  "Who has a PhD and worked on machine learning in production?",
];
