/** Example questions for the empty state: set questions (answered over every CV profile,
 * with exact counts) and an open one (answered from retrieved passages). */
export const SUGGESTIONS: readonly string[] = [
  "Who has led a Kubernetes migration and speaks Spanish?",
  "How many candidates speak German?",
  "Who has at least 5 years of experience and a master's degree?",
  "Which candidates have managed a team of more than ten people?",
];
