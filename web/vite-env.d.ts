/// <reference types="vite/client" />
// Vite's client types: CSS side-effect imports (web/main.tsx imports styles.css) and import.meta.env.
