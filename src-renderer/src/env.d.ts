// Vite turns a CSS import into an emitted stylesheet (the CSP allows only 'self' styles).
declare module '*.css'
