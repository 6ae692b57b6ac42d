/** Holds the Corpus page's uploads for everything below it (see corpus/uploadsContext.ts). */
import type { ReactNode } from "react";
import { UploadsContext } from "../corpus/uploadsContext";
import { useUploads } from "../corpus/useUploads";

export function UploadsProvider({ children }: { children: ReactNode }) {
  const uploads = useUploads();
  return <UploadsContext value={uploads}>{children}</UploadsContext>;
}
