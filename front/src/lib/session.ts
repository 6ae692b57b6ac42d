/** The signed-in user, remembered in this browser (cvchat has names, not passwords). */
import type { User } from "../api/types";

const KEY = "cvchat.user";

export function loadUser(): User | null {
  try {
    const raw = window.localStorage.getItem(KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as Partial<User>;
    return typeof value.user_id === "string" && typeof value.name === "string" ? (value as User) : null;
  } catch {
    return null;
  }
}

export function saveUser(user: User | null): void {
  if (user) window.localStorage.setItem(KEY, JSON.stringify(user));
  else window.localStorage.removeItem(KEY);
}
