/**
 * The files being sent, shared from above the page switch: uploads keep going (and stay listed)
 * while the person is back in the chat, and their progress re-renders only the Corpus page.
 */
import { createContext, useContext } from "react";
import type { Uploads } from "./useUploads";

export const UploadsContext = createContext<Uploads | null>(null);

export function useSharedUploads(): Uploads {
  const uploads = useContext(UploadsContext);
  if (!uploads) throw new Error("useSharedUploads needs an UploadsProvider above it");
  return uploads;
}
