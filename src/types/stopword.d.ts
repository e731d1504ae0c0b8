// The stopword package ships no types; only the lists used here are declared.
declare module 'stopword' {
  export const fra: string[];
  export const deu: string[];
  export const ita: string[];
}
